"""The commands that are more than a folder or a runner operation: generate/export, revert, pull (and the code it
writes), push, drift, verify, protect."""
