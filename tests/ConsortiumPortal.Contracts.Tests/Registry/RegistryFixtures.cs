using ConsortiumPortal.Contracts.Registry;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>Registration details and calls the registry tests share.</summary>
internal static class RegistryFixtures
{
    public const string Center = "px-center";
    public const string Hour = "3600000";
    public const long DayMs = RegistrySettings.Day;

    /// <summary>A valid unified social credit code (an enterprise registered in Jiangsu), unique per n.</summary>
    public static string Code(int n) => UnifiedSocialCreditCode.Complete($"91320000MA{n:D7}");

    public static ParticipantDetails Details(int n, ParticipantType type = ParticipantType.Retailer, string? name = null, string[]? provinces = null, long capacity = 0) =>
        new(name ?? $"Retailer {n} Co., Ltd.", Code(n), type, provinces ?? ["jiangsu", "zhejiang"], capacity,
            [new Contact("Li Lei", "Market manager", "+86 25 8888 0000", "li.lei@example.cn")],
            [new AnchoredDocument("Business licence", new string('a', 64))]);

    public static string Apply(this RegistryChain chain, string signer, ParticipantDetails details) =>
        chain.Ok(chain.Registry(signer, "apply", new RegistryContract.ApplyArgs(details))).GetProperty("participantId").GetString()!;

    public static void Do(this RegistryChain chain, string signer, string method, object args) => chain.Ok(chain.Registry(signer, method, args));

    public static RegistryContract.ParticipantArgs P(string id) => new(id);
    public static RegistryContract.DecisionArgs Why(string id, string reason = "checked the documents") => new(id, reason);

    /// <summary>Applies and takes the application through review and disclosure to active.</summary>
    public static string Activate(this RegistryChain chain, string applicant, ParticipantDetails details)
    {
        var id = chain.Apply(applicant, details);
        chain.Do(Center, "startReview", P(id));
        chain.Do(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs));
        chain.Now += DayMs;
        chain.Do(Center, "activate", P(id));
        return id;
    }
}
