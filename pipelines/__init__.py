"""innercircle's Dagster code location: Definitions, jobs, schedules and sensors."""
