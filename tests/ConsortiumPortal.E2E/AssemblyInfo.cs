// One portal process and one browser at a time: a 2-core machine gives each run both cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
