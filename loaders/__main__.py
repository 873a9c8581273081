import sys

from loaders.run import main

sys.exit(main())
