// Brokers start CPU-bound: one at a time keeps the timings printed by the tests meaningful on small machines.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
