"""The eval gate (the `eval` command, `make eval`): retrieval and answer quality on a golden set,
checked against the EVAL_MIN_* thresholds so a regression fails CI instead of shipping."""
