using Leap.Server.Tests.Infrastructure;

// One server per engine, shared by every test class; tests isolate themselves with their own organisation.
[assembly: AssemblyFixture(typeof(SqliteServer))]
[assembly: AssemblyFixture(typeof(PostgresServer))]
// A real SMTP server, started only if a test asks for it; missing, those tests fail (Infrastructure/SmtpServer.cs).
[assembly: AssemblyFixture(typeof(SmtpFixture))]
