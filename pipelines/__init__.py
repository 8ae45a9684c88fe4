"""innercircle's Dagster code location: Definitions, jobs, schedules and sensors, and the
runner (`runner.py`), the one module through which the `innercircle` command reaches Dagster,
and `bench.py`, through which the benchmarks reach it (with the runner)."""
