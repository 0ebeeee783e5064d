"""Write backend/.env (fresh DJANGO_SECRET_KEY), then say what to do next."""

import subprocess
import sys

# The current directory is the generated project.
result = subprocess.run([sys.executable, "backend/scripts/init_env.py"], check=False)
if result.returncode != 0:
    print("ERROR: backend/scripts/init_env.py failed: backend/.env not written", file=sys.stderr)
    sys.exit(1)

print(
    """
Next steps:
  cd {{ cookiecutter.project_slug }} && make install && make dev
  make test    (every test)
  API: http://localhost:{{ cookiecutter.api_port }}/api/
  API docs: http://localhost:{{ cookiecutter.api_port }}/api/docs/
"""
)
