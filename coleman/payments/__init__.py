"""Coleman payments: a pluggable payment framework, its processors and their callbacks."""
