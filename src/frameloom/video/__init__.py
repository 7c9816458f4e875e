"""Video use cases that combine an engine, a draft and the compositor: ``text_to_video``."""
