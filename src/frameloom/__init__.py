"""frameloom: a self-hosted image and video generation studio.

Importing the package is cheap: no settings are read, no engine is loaded.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
