"""Development-only helpers (random-weight test models) for tests and benches; not shipped in the wheel
(pyproject builds only `toolkit`), and never imported by `toolkit` itself."""
