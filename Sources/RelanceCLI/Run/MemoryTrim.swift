/// glibc's malloc keeps what a cycle freed: each thread that allocates gets
/// an arena of its own (up to 8 per core), and freed pages stay in them.
/// The daemon allocates on its loop and one cycle thread at a time, so two
/// arenas suffice; after each cycle the free pages go back to the kernel.
enum MemoryTrim {
    /// Once, before the daemon's threads start.
    static func limitArenas() {
        _ = glibcMallopt(glibcArenaMax, 2)
    }

    /// After a cycle: returns the free pages of every arena to the kernel.
    static func afterCycle() {
        _ = glibcMallocTrim(0)
    }
}

// <malloc.h> is not in Swift's Glibc module; both are plain C functions of glibc.
private let glibcArenaMax: Int32 = -8  // M_ARENA_MAX
@_silgen_name("mallopt") private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
