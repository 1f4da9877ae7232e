# The petition fixtures (units, register, walk, clock, …) serve the report tests too.
from tests.petitions.conftest import *  # noqa: F403
