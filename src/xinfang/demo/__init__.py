"""A fictional district and generated petitions: for demos, tests at scale and benchmarks."""
