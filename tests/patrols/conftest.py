# The petition fixtures (units, register, walk, …) serve the patrol tests too.
from tests.petitions.conftest import *  # noqa: F403
