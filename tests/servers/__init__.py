"""Servers the test suites start on 127.0.0.1: a scriptable fake Atlas and the Prism mock."""
