from drivers.sim.cli import main

raise SystemExit(main())
