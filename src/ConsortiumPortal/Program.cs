using ConsortiumPortal.Cli;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Node;

// Verbs (init, verify, receipt, verify-receipt, bench) run and exit; anything else runs the node and its portal.
if (CommandLine.IsVerb(args)) return await CommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(CommandLine.HostArguments(args));
builder.AddConsortiumNode();                 // ledger, keystore, Raft ordering: Node/
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapLedgerApi();                          // /api: transactions, receipts, blocks, status: Features/Ledger/
app.MapGet("/", () => Results.Redirect("/api/status"));

await app.RunAsync();
return Environment.ExitCode;
