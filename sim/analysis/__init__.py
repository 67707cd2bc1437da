"""Reading results: metrics of a run and of replicates, the verdict and the regulator's
checklist."""
