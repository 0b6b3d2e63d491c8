import sys

from driftgate.notifier.entrypoints.worker import main

sys.exit(main())
