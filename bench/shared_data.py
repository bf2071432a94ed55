"""Where the benches find their data: ``../shared`` beside the checkout, whatever the cwd."""

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
SHARED = CHECKOUT.parent / "shared"
