using MudBlazor;

namespace ConsortiumPortal.Components.Layout;

/// <summary>The portal's colours: State Grid green on white, readable tables.</summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#00706b",
            Secondary = "#2f6fba",
            AppbarBackground = "#00706b",
            Success = "#2e7d32",
            Warning = "#ed6c02",
            Error = "#c62828",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "PingFang SC", "Microsoft YaHei", "sans-serif"] },
        },
    };
}
