"""The shared harness of the tests and the bench: real services and child processes.

Nothing here is part of the product: `loaders/` and the models never import it.

- `devtools.harness.mariadb`: a throwaway MariaDB server on 127.0.0.1 with real grants;
- `devtools.harness.children`: child processes with their wall time, CPU time and peak RSS;
- `devtools.harness.warehouse`: one embedded warehouse, and the env pointing loaders and dbt
  at it;
- `devtools.harness.fingerprint`: the marts' fingerprints (rows and a hash of every cell);
- `devtools.harness.paths`: the repo, the venv's dbt, a free port.
"""
