"""Benchmarks for kazmig (`make bench` = `python -m bench`); not part of the test suite.

Results go to stdout and bench/out/ (git-ignored). See bench/__main__.py for the options.
"""
