using System.Collections.Concurrent;

namespace Testkit.NUnit;

/// <summary>The running <see cref="ContainerSetUpFixture{TContainer}"/>s, so tests reach the containers they share.</summary>
public static class SetUpFixtures
{
    private static readonly ConcurrentDictionary<Type, object> Running = new();

    /// <summary>The running set-up fixture of type <typeparamref name="TFixture"/>, e.g. <c>SetUpFixtures.Get&lt;SharedRedis&gt;().Container</c>.</summary>
    /// <exception cref="InvalidOperationException">NUnit is not running that set-up fixture around the calling test.</exception>
    public static TFixture Get<TFixture>() where TFixture : class =>
        Running.TryGetValue(typeof(TFixture), out var fixture)
            ? (TFixture)fixture
            : throw new InvalidOperationException(
                $"Set-up fixture {typeof(TFixture).Name} is not running. NUnit runs a [SetUpFixture] only around the tests of its own namespace "
                + $"({typeof(TFixture).Namespace ?? "none: the whole assembly"}) and below: mark the class [SetUpFixture] and move this test into that namespace, "
                + "or move the set-up fixture out of any namespace to share it with the whole assembly.");

    internal static void Started(object fixture) => Running[fixture.GetType()] = fixture;

    internal static void Ended(object fixture) => Running.TryRemove(new KeyValuePair<Type, object>(fixture.GetType(), fixture));
}
