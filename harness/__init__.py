"""The shared harness of the tests and the bench: real services and child processes.

Nothing here is part of the product: `loaders/` and the models never import it.

- `harness.mariadb`: a throwaway MariaDB server on 127.0.0.1 with real grants;
- `harness.children`: child processes with their wall time, CPU time and peak RSS;
- `harness.warehouse`: one embedded warehouse and the env that points loaders and dbt at it;
- `harness.paths`: the repo, the venv's dbt, a free port.
"""
