"""The benchmark: a wholesaler-sized data set to measure the portal against (`portal bench seed`,
`portal.bench.seed`) and the yardsticks it is compared to (`portal.bench.reference`)."""
