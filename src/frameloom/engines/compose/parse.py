"""Prompt text -> PromptFacts: which things to draw, what they do, and the scene around them.

The parser is a small hand-written grammar over a dictionary lexer, not a language model:

1. ``lexer.lex_prompt`` cuts the text into lexemes, longest match first (Chinese has no
   spaces, so at every character). Each lexeme carries every meaning its form has (noun,
   scene word, colour, verb, preposition...), because some forms have several ("moon").
2. ``grammar_english`` or ``grammar_chinese`` walks the lexemes once with a little state (the
   current subject, a pending verb or preposition waiting for its object) and fills a
   ``facts_draft.FactsDraft``; ``relations`` says how an object sits relative to its subject.
3. ``FactsDraft.facts`` orders subjects before their targets and freezes the result.

Anything that looks like a thing to draw but is in no table goes to ``unknown``.
"""

from __future__ import annotations

from frameloom.engines.compose.facts import PromptFacts
from frameloom.engines.compose.facts_draft import FactsDraft
from frameloom.engines.compose.grammar_chinese import ChineseGrammar
from frameloom.engines.compose.grammar_english import EnglishGrammar
from frameloom.engines.compose.lexer import lex_prompt
from frameloom.engines.compose.lexicon import is_chinese

MAX_PROMPT_CHARS = 4000


def parse_prompt(text: str) -> PromptFacts:
    """The facts a prompt states, in English or Chinese; never raises on any string.

    Contract: every colour named is in ``colours`` (and on its noun when it sits right before
    one); subjects come in order of mention, except that a subject precedes what it acts on;
    counts are 1 to 5; words that look like things but have no art are in ``unknown``. Only
    the first ``MAX_PROMPT_CHARS`` characters are read.
    """
    head = text[:MAX_PROMPT_CHARS]
    language = "zh" if is_chinese(head) else "en"
    draft = FactsDraft()
    lexemes = lex_prompt(head)
    if language == "zh":
        ChineseGrammar(draft).parse(lexemes)
    else:
        EnglishGrammar(draft).parse(lexemes)
    return draft.facts(text, language)
