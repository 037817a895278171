"""Counting what the work plan asks for: quotas, rankings, volunteer statistics, the activity calendar."""
