using Lifeline.Influx;
using Lifeline.Ingestion.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Deploy.Tests;

/// <summary>docker-compose.yml and .env.example: valid, complete, without secrets, mounting only files that exist and parse.</summary>
public sealed class ComposeFileTests
{
    private static readonly string[] ExpectedServices = ["firmware-sim", "grafana", "influxdb", "lifeline", "mosquitto"];

    [Fact]
    public async Task Compose_IsValidAgainstTheComposeSpecification_WithTheExampleEnvironment()
    {
        var plain = await DeployFiles.ComposeConfigAsync(DeployFiles.EnvExamplePath);
        var simulator = await DeployFiles.ComposeConfigAsync(DeployFiles.EnvExamplePath, "--profile", "simulator");

        plain.ExitCode.ShouldBe(0, plain.Output);
        simulator.ExitCode.ShouldBe(0, simulator.Output);
        DeployFiles.Services().Keys.Order(StringComparer.Ordinal).ShouldBe(ExpectedServices);
    }

    [Fact]
    public async Task Compose_RejectsAKeyTheSpecificationDoesNotHave()
    {
        // The validator is not a formality: the same file with one unknown key is refused.
        var directory = Directory.CreateTempSubdirectory("lifeline-compose-").FullName;
        try
        {
            var broken = File.ReadAllText(DeployFiles.ComposePath).Replace("    restart: unless-stopped\n", "    restart: unless-stopped\n    restart_policy: always\n", StringComparison.Ordinal);
            var file = Path.Combine(directory, "docker-compose.yml");
            await File.WriteAllTextAsync(file, broken);

            var (exitCode, output) = await DeployFiles.RunAsync("docker-compose", ["--project-directory", DeployFiles.Root, "-f", file, "--env-file", DeployFiles.EnvExamplePath, "config", "-q"]);

            exitCode.ShouldNotBe(0);
            output.ShouldContain("Unsupported config option");
            output.ShouldContain("restart_policy");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Compose_WithoutARequiredVariable_StopsNamingIt()
    {
        var required = DeployFiles.Variables().Where(v => v.Value).Select(v => v.Key).Order(StringComparer.Ordinal).ToList();
        required.ShouldContain("INFLUX_TOKEN");
        required.ShouldContain("MQTT_PLATFORM_PASSWORD");
        var example = File.ReadAllLines(DeployFiles.EnvExamplePath);
        var file = Path.GetTempFileName();
        try
        {
            foreach (var name in required)
            {
                await File.WriteAllLinesAsync(file, example.Where(l => !l.StartsWith(name + "=", StringComparison.Ordinal)));

                var (exitCode, output) = await DeployFiles.ComposeConfigAsync(file, "--profile", "simulator");

                exitCode.ShouldNotBe(0, $"without {name}");
                output.ShouldContain($"set {name} in .env", Case.Sensitive, $"without {name}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void EnvExample_DefinesEveryVariableTheComposeFileUses_AndNoOther()
    {
        var used = DeployFiles.Variables().Keys.Order(StringComparer.Ordinal).ToList();
        var defined = DeployFiles.EnvExample().Keys.Order(StringComparer.Ordinal).ToList();

        used.Except(defined).ShouldBeEmpty("variables of docker-compose.yml missing from .env.example");
        defined.Except(used).ShouldBeEmpty("variables of .env.example that docker-compose.yml never uses");
        foreach (var agreed in new[] { "INFLUX_ORG", "INFLUX_BUCKET", "INFLUX_TOKEN", "INFLUX_URL" })
        {
            defined.ShouldContain(agreed);
        }
    }

    [Fact]
    public void Compose_HoldsNoSecret_EverySecretComesFromTheEnvironment()
    {
        foreach (var (service, node) in DeployFiles.Services())
        {
            if (DeployFiles.Child(node, "environment") is not YamlMappingNode environment)
            {
                continue;
            }

            foreach (var (key, value) in environment.Children.Select(c => (DeployFiles.Scalar(c.Key), DeployFiles.Scalar(c.Value))))
            {
                if (key.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase) || key.Contains("TOKEN", StringComparison.OrdinalIgnoreCase) || key.EndsWith("__Password", StringComparison.Ordinal))
                {
                    value.ShouldMatch(@"^\$\{[A-Z_]+:\?[^}]+\}$", $"{service}: {key} must be a required variable from .env");
                }
            }
        }

        File.ReadAllText(Path.Combine(DeployFiles.Root, ".gitignore")).Split('\n').ShouldContain(".env");
    }

    [Fact]
    public void Compose_MountsOnlyFilesThatExistAndParse()
    {
        var checkedFiles = new List<string>();
        foreach (var (service, node) in DeployFiles.Services())
        {
            if (DeployFiles.Child(node, "volumes") is not YamlSequenceNode volumes)
            {
                continue;
            }

            foreach (var volume in volumes.Children.Select(DeployFiles.Scalar))
            {
                var source = volume.Split(':')[0];
                if (!source.StartsWith("./", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = Path.GetFullPath(Path.Combine(DeployFiles.Root, source));
                (File.Exists(path) || Directory.Exists(path)).ShouldBeTrue($"{service} mounts {source}, which does not exist");
                var files = File.Exists(path) ? [path] : Directory.GetFiles(path, "*", SearchOption.AllDirectories);
                foreach (var file in files)
                {
                    ConfigFiles.CheckParses(file);
                    checkedFiles.Add(Path.GetRelativePath(DeployFiles.Root, file));
                }
            }
        }

        checkedFiles.ShouldContain("src/deploy/mosquitto/mosquitto.conf");
        checkedFiles.ShouldContain("src/deploy/mosquitto/entrypoint.sh");
        checkedFiles.ShouldContain("src/deploy/influxdb/init/10-lifeline-dbrp.sh");
        checkedFiles.ShouldContain(f => f.StartsWith("grafana/provisioning/datasources/", StringComparison.Ordinal), "the Grafana data source");
        checkedFiles.ShouldContain(f => f.StartsWith("grafana/dashboards/", StringComparison.Ordinal) && f.EndsWith(".json", StringComparison.Ordinal), "a Grafana dashboard");
    }

    [Fact]
    public void GrafanaProvisioning_ReadsOnlyVariablesGrafanasServiceIsGiven()
    {
        var provisioning = Path.Combine(DeployFiles.Root, "grafana", "provisioning");
        Directory.Exists(provisioning).ShouldBeTrue($"{provisioning} does not exist");
        var environment = ((YamlMappingNode)DeployFiles.Services()["grafana"]["environment"]).Children.Keys.Select(DeployFiles.Scalar).ToHashSet(StringComparer.Ordinal);
        var used = Directory.GetFiles(provisioning, "*.y*ml", SearchOption.AllDirectories)
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"\$\{?([A-Z][A-Z0-9_]*)\}?").Select(m => (File: f, Name: m.Groups[1].Value)))
            .ToList();

        used.ShouldNotBeEmpty("the data source reads its address and token from the environment");
        foreach (var (file, name) in used)
        {
            environment.ShouldContain(name, $"{Path.GetRelativePath(DeployFiles.Root, file)} reads ${name}, which the grafana service does not set");
        }
    }

    [Fact]
    public void Compose_BuildsFromADockerfileWhoseCopiesExist_WithTheTargetsItNames()
    {
        foreach (var (service, node) in DeployFiles.Services())
        {
            if (DeployFiles.Child(node, "build") is not YamlMappingNode build)
            {
                continue;
            }

            var context = Path.GetFullPath(Path.Combine(DeployFiles.Root, DeployFiles.Scalar(build["context"])));
            var dockerfile = Path.Combine(context, DeployFiles.Scalar(build["dockerfile"]));
            File.Exists(dockerfile).ShouldBeTrue($"{service}: {dockerfile} does not exist");
            var parsed = Dockerfile.Parse(dockerfile);
            parsed.CheckCopiesExist(context);
            var target = DeployFiles.Scalar(build["target"]);
            parsed.Stages.ShouldContain(target, $"{service}: no stage '{target}' in {dockerfile}");
            var stage = parsed.Stage(target);
            stage.User.ShouldNotBeNull($"{service}: stage '{target}' must run as a non-root user").ShouldNotBeOneOf("root", "0");
            if (service == "lifeline")
            {
                stage.Healthcheck.ShouldNotBeNull().ShouldContain("/health");
                stage.Volumes.ShouldContain("/var/lib/lifeline");
            }
        }
    }

    [Fact]
    public async Task Compose_ServerEnvironment_BindsToValidPlatformOptions()
    {
        // Resolve the file as docker-compose would, then feed the server's environment to the real options classes.
        var (exitCode, output) = await DeployFiles.RunAsync("docker-compose", ["--project-directory", DeployFiles.Root, "-f", DeployFiles.ComposePath, "--env-file", DeployFiles.EnvExamplePath, "config"]);
        exitCode.ShouldBe(0, output);
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        var lifeline = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["services"])["lifeline"];
        var environment = ((YamlMappingNode)lifeline["environment"]).Children.ToDictionary(c => DeployFiles.Scalar(c.Key).Replace("__", ":", StringComparison.Ordinal), c => (string?)DeployFiles.Scalar(c.Value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(environment).Build();
        var services = new ServiceCollection().AddInflux(configuration);
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var influx = provider.GetRequiredService<IOptions<InfluxOptions>>().Value;
        var mqtt = provider.GetRequiredService<IOptions<MqttOptions>>().Value;

        influx.Url.ShouldBe(new Uri("http://influxdb:8086"));
        influx.ApiVersion.ShouldBe(InfluxApiVersion.V2);
        influx.Org.ShouldBe("baoshan");
        influx.Bucket.ShouldBe("lifeline");
        influx.Database.ShouldBe("lifeline");
        influx.Token.ShouldBe("change-me-a-long-random-token");
        influx.Retention.Raw.ShouldBe("30d");
        influx.Retention.Aggregates.ShouldBe("730d");
        mqtt.Mode.ShouldBe(MqttMode.External);
        mqtt.Host.ShouldBe("mosquitto");
        mqtt.Username.ShouldBe("lifeline");
        mqtt.Password.ShouldBe("change-me-platform-mqtt-password");
    }
}
