"""The chat agent's rule planner: a message in, typed tool calls out (docs/AGENT.md)."""

from frameloom.agent.clause import PlanContext
from frameloom.agent.planner import Plan, expand_for_each, plan
from frameloom.agent.tools import TOOLS, ToolCall, ToolSpec

__all__ = ["TOOLS", "Plan", "PlanContext", "ToolCall", "ToolSpec", "expand_for_each", "plan"]
