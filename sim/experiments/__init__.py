"""Many runs: replicates, parameter sweeps and their executors and store, the ruin
frontier, sensitivity indices, and the speed bench."""
