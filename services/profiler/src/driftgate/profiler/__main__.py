import sys

from driftgate.profiler.entrypoints.worker import main

sys.exit(main())
