"""Write backend/.env from .env.example with a freshly generated DJANGO_SECRET_KEY.

Run by the post-generation hook of the template and by `make install`; never overwrites an
existing .env.
"""

import re
import secrets
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent


def main() -> None:
    env = BACKEND / ".env"
    if env.exists():
        print("backend/.env exists, left as it is")
        return
    example = (BACKEND / ".env.example").read_text()
    key = secrets.token_urlsafe(50)
    env.write_text(
        re.sub(r"^DJANGO_SECRET_KEY=.*$", f"DJANGO_SECRET_KEY={key}", example, flags=re.M)
    )
    env.chmod(0o600)
    print("wrote backend/.env with a new DJANGO_SECRET_KEY")


if __name__ == "__main__":
    main()
