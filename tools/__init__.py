"""Developer tools that run before the package is installed (see the Makefile)."""
