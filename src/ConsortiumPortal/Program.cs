using ConsortiumPortal.Cli;
using ConsortiumPortal.Components;
using ConsortiumPortal.Features.Cluster;
using ConsortiumPortal.Features.Dashboard;
using ConsortiumPortal.Features.DemandResponse;
using ConsortiumPortal.Features.Evidence;
using ConsortiumPortal.Features.Explorer;
using ConsortiumPortal.Features.Insurance;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Features.Organisation;
using ConsortiumPortal.Features.Receivables;
using ConsortiumPortal.Features.Registry;
using ConsortiumPortal.Features.Settlement;
using ConsortiumPortal.Features.Training;
using ConsortiumPortal.Features.Verify;
using ConsortiumPortal.Features.Vouchers;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Jobs;
using ConsortiumPortal.Node;

// Verbs (init, verify, receipt, verify-receipt, bench) run and exit; anything else runs the node and its portal.
if (CommandLine.IsVerb(args)) return await CommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(CommandLine.HostArguments(args));
builder.WebHost.UseStaticWebAssets();        // `dotnet run` serves package assets (MudBlazor, Blazor) in any environment
builder.AddConsortiumNode();                 // ledger, keystore, Raft ordering: Node/
builder.AddPortalIdentity();                 // sign-in, people, claims from certificates: Identity/
builder.AddPortalUi();                       // Blazor Server, MudBlazor, zh-CN/English, live block feed: Components/
builder.AddDashboard();                      // live dashboard cards: Features/Dashboard/
builder.AddExplorer();                       // blocks, transactions, state, search, CSV: Features/Explorer/
builder.AddReceiptVerification();            // public Verify page, printable report: Features/Verify/
builder.AddSettlementFeature();              // payments between members: Features/Settlement/
builder.AddOrganisationAdmin();              // people, roles, revocation, API keys: Features/Organisation/
builder.AddLedgerApi();                      // /api authentication, OpenAPI: Features/Ledger/
builder.AddMetering();                       // meters, readings, outages, CSV import: Features/Metering/
builder.AddCluster();                        // cluster status, health probes, metrics counters: Features/Cluster/
builder.AddRegistry();                       // market registration, governance, credit ratings: Features/Registry/
builder.AddEvidence();                       // documents anchored by hash, inspections, work tickets: Features/Evidence/
builder.AddInsurance();                      // outage insurance: products, policies, automatic claims: Features/Insurance/
builder.AddDemandResponse();                 // programmes, events, enrolment, live view, settlement job: Features/DemandResponse/
builder.AddReceivables();                    // supply-chain receivables: vouchers, financing, maturity job: Features/Receivables/
builder.AddVouchers();                       // renewable consumption vouchers: issuance, exchange, quota, trace: Features/Vouchers/
builder.AddPortalJobs();                     // Hangfire, chain-event subscribers, recurring jobs, Jobs page: Jobs/
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
app.MapEvidenceApi();                        // /api/evidence (verification by hash is anonymous): Features/Evidence/
app.MapMeteringApi();                        // /api/metering: meters, readings, outages: Features/Metering/
app.MapClusterEndpoints();                   // /health/live, /health/ready, /metrics (anonymous): Features/Cluster/
app.MapRegistryApi();                        // /api/registry: applications, review, disclosure board, proposals, ratings: Features/Registry/
app.MapInsuranceApi();                       // /api/insurance: products, policies, claims, risk, back-test: Features/Insurance/
app.MapDemandResponseApi();                  // /api/dr: OpenADR-like programs, events, reports: Features/DemandResponse/
app.MapReceivablesApi();                     // /api/receivables: vouchers, lineage, financing, calendar, reports: Features/Receivables/
app.MapVouchersApi();                        // /api/vouchers (trace and statistics are anonymous): Features/Vouchers/
app.MapTrainingClockApi();                   // /api/training/clock: a training pilot's forward-only block clock: Features/Training/
app.MapJobsDashboard();                      // /jobs, the Hangfire dashboard for this node's operators: Jobs/

await app.RunAsync();
return Environment.ExitCode;
