// The tests start node processes and CLI runs that each use a core for a second or two; on the 2-core CI machine
// running classes side by side only makes the timings noisier, so they run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
