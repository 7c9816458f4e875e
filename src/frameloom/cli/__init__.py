"""The ``frameloom`` command line. Entry point: :func:`frameloom.cli.main.main`."""
