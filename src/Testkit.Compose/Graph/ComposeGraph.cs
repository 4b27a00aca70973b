namespace Testkit.Compose;

/// <summary>The depends_on graph: cycles and start order.</summary>
internal static class ComposeGraph
{
    /// <summary>Returns a cycle as "a -> b -> a", or null when there is none.</summary>
    public static string? FindCycle(IReadOnlyDictionary<string, ComposeService> services)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var name in services.Keys.Order(StringComparer.Ordinal))
        {
            var cycle = Visit(name);
            if (cycle is not null)
            {
                return cycle;
            }
        }

        return null;

        string? Visit(string name)
        {
            if (state.TryGetValue(name, out var s))
            {
                if (s == 1)
                {
                    var from = path.IndexOf(name);
                    return string.Join(" -> ", path.Skip(from).Append(name));
                }

                return null;
            }

            state[name] = 1;
            path.Add(name);
            if (services.TryGetValue(name, out var service))
            {
                foreach (var dependency in service.DependsOn.Keys.Order(StringComparer.Ordinal))
                {
                    var cycle = Visit(dependency);
                    if (cycle is not null)
                    {
                        return cycle;
                    }
                }
            }

            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            return null;
        }
    }

    /// <summary>Groups services by depth in the graph so each group only waits for earlier ones.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> StartOrder(IReadOnlyDictionary<string, ComposeService> services)
    {
        var cycle = FindCycle(services);
        if (cycle is not null)
        {
            throw new InvalidOperationException($"depends_on has a cycle: {cycle}; remove one of these dependencies");
        }

        var remaining = services.Keys.ToHashSet(StringComparer.Ordinal);
        var groups = new List<IReadOnlyList<string>>();
        while (remaining.Count > 0)
        {
            // Dependencies on services outside the project (optional ones left out) do not hold anything back.
            var ready = remaining
                .Where(n => services[n].DependsOn.Keys.All(d => !remaining.Contains(d)))
                .Order(StringComparer.Ordinal)
                .ToList();
            groups.Add(ready);
            remaining.ExceptWith(ready);
        }

        return groups;
    }
}
