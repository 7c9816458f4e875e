"""Use cases that combine engines, timelines and the compositor (text to video, ...)."""
