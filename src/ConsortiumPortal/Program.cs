using ConsortiumPortal.Cli;
using ConsortiumPortal.Components;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

// Verbs (init, verify, receipt, verify-receipt, bench) run and exit; anything else runs the node and its portal.
if (CommandLine.IsVerb(args)) return await CommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(CommandLine.HostArguments(args));
builder.AddConsortiumNode();                 // ledger, keystore, Raft ordering: Node/
builder.AddPortalIdentity();                 // sign-in, people, claims from certificates: Identity/
builder.AddPortalUi();                       // Blazor Server, MudBlazor, zh-CN/English, live block feed: Components/
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePortalSecurityHeaders();
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapPortalAccountEndpoints();             // sign-out: Identity/
app.MapCultureSwitch();                      // language cookie: Components/
app.MapLedgerApi();                          // /api: transactions, receipts, blocks, status: Features/Ledger/

await app.RunAsync();
return Environment.ExitCode;
