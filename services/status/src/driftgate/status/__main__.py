import sys

from driftgate.status.entrypoints.server import main

sys.exit(main())
