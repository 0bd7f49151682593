using Leap.Server.Tests.Infrastructure;

// One server per engine, shared by every test class; tests isolate themselves with their own organisation.
[assembly: AssemblyFixture(typeof(SqliteServer))]
[assembly: AssemblyFixture(typeof(PostgresServer))]
// A real SMTP server, started only if a test asks for it (Infrastructure/Smtp4devServer.cs).
[assembly: AssemblyFixture(typeof(Smtp4devFixture))]
