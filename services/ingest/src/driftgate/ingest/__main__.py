import sys

from driftgate.ingest.entrypoints.server import main

sys.exit(main())
