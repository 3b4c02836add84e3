// Raft timing (election timeouts of 1-2 s) is what these tests exercise; on a 2-core machine a TLS-heavy class running
// beside a three-node class starved it into a leader change. One class at a time: the whole project takes seconds.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
