using System.Text;
using Testkit.Containers;
using Testkit.Images;

namespace Testkit.Modules;

/// <summary>The base of a module's builder: the image, the user's own container options, and the container description
/// every module starts from (image, module name, main port). A module adds its own options as <c>init</c> properties and
/// <c>WithX</c> methods, and builds its container from <see cref="ToSettings"/>. Immutable, as every builder: each
/// <c>WithX</c> returns a new one.</summary>
/// <typeparam name="TBuilder">The module's builder (the derived record itself).</typeparam>
/// <typeparam name="TContainer">The module's container.</typeparam>
public abstract record ModuleBuilder<TBuilder, TContainer>
    where TBuilder : ModuleBuilder<TBuilder, TContainer>
    where TContainer : Container
{
    /// <summary>A builder of <paramref name="module"/>'s containers, running its default image.</summary>
    protected ModuleBuilder(ModuleDescriptor module)
    {
        ArgumentNullException.ThrowIfNull(module);
        Module = module;
        Image = module.DefaultImage;
    }

    /// <summary>The module this builder makes containers of.</summary>
    public ModuleDescriptor Module { get; }

    /// <summary>The image, <see cref="ModuleDescriptor.DefaultImage"/> unless set.</summary>
    public string Image { get; init; }

    /// <summary>Core container options applied last (labels, ports, waits, logger…), see <see cref="WithContainer"/>.</summary>
    public Func<ContainerBuilder, ContainerBuilder> Customize { get; init; } = static c => c;

    /// <summary>Runs another image, e.g. another tag or a private mirror.</summary>
    /// <exception cref="ArgumentException">The name is not an image reference.</exception>
    public TBuilder WithImage(string image)
    {
        _ = ImageReference.Parse(image);
        return (TBuilder)(this with { Image = image });
    }

    /// <summary>Applies core container options, after everything this builder sets.</summary>
    public TBuilder WithContainer(Func<ContainerBuilder, ContainerBuilder> customize)
    {
        ArgumentNullException.ThrowIfNull(customize);
        var previous = Customize;
        return (TBuilder)(this with { Customize = c => customize(previous(c)) });
    }

    /// <summary>Creates the container object; nothing runs until <see cref="Container.StartAsync"/>.</summary>
    public abstract TContainer Build();

    /// <summary>The container as this builder describes it: the image with the module's name and main port published,
    /// then what <paramref name="module"/> adds (environment, command, waits), then the user's <see cref="WithContainer"/>
    /// options, last so that they win.</summary>
    public ContainerSettings ToSettings(Func<ContainerBuilder, ContainerBuilder> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Customize(module(new ContainerBuilder(Image).WithModule(Module.Name).WithPortBinding(Module.Port))).Settings;
    }

    /// <summary>The builder's options, with secret-named values (a password) masked: a builder ends up in test names and logs.</summary>
    public sealed override string ToString()
    {
        var text = new StringBuilder(GetType().Name).Append(" { ");
        SecretMasker.PrintMembers(this, text);
        return text.Append(" }").ToString();
    }
}
