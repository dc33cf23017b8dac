using System.Buffers;
using Lifeline.Contracts.Mqtt;

namespace Lifeline.Ingestion.Tests;

public sealed class TelemetryPayloadReaderTests
{
    private static TelemetryPayload Parse(string json, int maxPayloadBytes = TelemetryPayloadReader.DefaultMaxPayloadBytes, int maxBatch = TelemetryPayloadReader.DefaultMaxBatch) =>
        TelemetryPayloadReader.Parse(Payloads.Single(json), maxPayloadBytes, maxBatch);

    private static TelemetryMessage SingleMessage(string json)
    {
        var payload = Parse(json);
        payload.Error.ShouldBe(PayloadError.None, payload.Detail);
        payload.Messages.Count.ShouldBe(1);
        return payload.Messages[0];
    }

    [Fact]
    public void Parse_ValidObject_ReturnsOneMessageWithTsSeqAndValuesInPayloadOrder()
    {
        // Arrange
        const string json = """{"ts": 1795793718334, "seq": 42, "values": {"o2": 20.9, "ch4": 0.0, "fan1_run": true, "pump2_run": false}}""";

        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        sut.IsRejected.ShouldBeFalse();
        sut.Detail.ShouldBeNull();
        sut.Messages.Count.ShouldBe(1);
        var message = sut.Messages[0];
        message.Ts.ShouldBe(1795793718334L);
        message.Seq.ShouldBe(42L);
        message.Error.ShouldBe(PayloadError.None);
        message.Values.ShouldBe(
        [
            new TelemetryValue("o2", 20.9, false, PayloadError.None),
            new TelemetryValue("ch4", 0.0, false, PayloadError.None),
            new TelemetryValue("fan1_run", 1, true, PayloadError.None),
            new TelemetryValue("pump2_run", 0, true, PayloadError.None),
        ]);
    }

    [Theory]
    [InlineData("""{"values": {"o2": 20.9}}""")]
    [InlineData("""{"ts": null, "seq": null, "values": {"o2": 20.9}}""")]
    public void Parse_TsAndSeqAbsentOrNull_MessageHasNullTsAndSeqAndNoError(string json)
    {
        // Act
        var message = SingleMessage(json);

        // Assert
        message.Ts.ShouldBeNull();
        message.Seq.ShouldBeNull();
        message.Error.ShouldBe(PayloadError.None);
        message.Values.ShouldBe([new TelemetryValue("o2", 20.9, false, PayloadError.None)]);
    }

    [Fact]
    public void Parse_TsZeroAndSeqZero_AreAccepted()
    {
        // Act
        var message = SingleMessage("""{"ts": 0, "seq": 0, "values": {}}""");

        // Assert
        message.Ts.ShouldBe(0L);
        message.Seq.ShouldBe(0L);
        message.Error.ShouldBe(PayloadError.None);
        message.Values.ShouldBeEmpty();
    }

    [Fact]
    public void Parse_ArrayBatch_ReturnsEveryMessageInOrder()
    {
        // Arrange
        const string json = """
            [
              {"ts": 1000, "seq": 1, "values": {"o2": 20.9}},
              {"ts": 2000, "seq": 2, "values": {"o2": 20.8, "intrusion": true}},
              {"values": {"temp": -3.5}}
            ]
            """;

        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        sut.Messages.Count.ShouldBe(3);
        sut.Messages.Select(m => m.Ts).ShouldBe([1000L, 2000L, null]);
        sut.Messages.Select(m => m.Seq).ShouldBe([1L, 2L, null]);
        sut.Messages.ShouldAllBe(m => m.Error == PayloadError.None);
        sut.Messages[0].Values.ShouldBe([new TelemetryValue("o2", 20.9, false, PayloadError.None)]);
        sut.Messages[1].Values.ShouldBe([new TelemetryValue("o2", 20.8, false, PayloadError.None), new TelemetryValue("intrusion", 1, true, PayloadError.None)]);
        sut.Messages[2].Values.ShouldBe([new TelemetryValue("temp", -3.5, false, PayloadError.None)]);
    }

    [Theory]
    [InlineData("""{"values": {"o2": 20.9}""")] // truncated: object not closed
    [InlineData("""{"values": {"o2": """)] // truncated inside a value
    [InlineData("""{"values": {"o2": 20.9}} x""")] // trailing garbage
    [InlineData("""{"values": {"o2": 20.9}}{"values": {}}""")] // two top-level values
    [InlineData("""[{"values": {}}] ]""")] // trailing bracket
    [InlineData("""{"values": {"o2": NaN}}""")] // NaN literal is not JSON
    [InlineData("""{"values": {"o2": Infinity}}""")]
    [InlineData("""{"values": {"o2": 20.9,}}""")] // trailing comma
    [InlineData("""{"values": {"o2": 20.9}} // comment""")]
    [InlineData("""{'values': {}}""")]
    [InlineData("   ")] // whitespace only
    [InlineData("""[{"values": {}}""")] // truncated batch
    public void Parse_MalformedJson_RejectsPayloadWithMalformedJson(string json)
    {
        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.MalformedJson);
        sut.IsRejected.ShouldBeTrue();
        sut.Messages.ShouldBeEmpty();
        sut.Detail.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Parse_EmptyPayload_RejectsWithMalformedJson()
    {
        // Act
        var sut = TelemetryPayloadReader.Parse(ReadOnlySequence<byte>.Empty);

        // Assert
        sut.Error.ShouldBe(PayloadError.MalformedJson);
        sut.Messages.ShouldBeEmpty();
        sut.Detail.ShouldBe("empty payload");
    }

    [Fact]
    public void Parse_NestingDeeperThanAllowed_RejectsWithMalformedJson()
    {
        // Arrange: an unknown member nested ten levels deep.
        const string json = """{"diag": [[[[[[[[[[1]]]]]]]]]], "values": {"o2": 20}}""";

        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.MalformedJson);
    }

    [Fact]
    public void Parse_PayloadLargerThanLimit_RejectsWithPayloadTooLarge()
    {
        // Arrange
        const string json = """{"values": {"o2": 20.9}}"""; // 24 bytes

        // Act
        var sut = Parse(json, maxPayloadBytes: 23);

        // Assert
        sut.Error.ShouldBe(PayloadError.PayloadTooLarge);
        sut.Messages.ShouldBeEmpty();
        sut.Detail.ShouldBe("24 bytes, limit 23");
    }

    [Fact]
    public void Parse_PayloadExactlyAtLimit_IsParsed()
    {
        // Act
        var sut = Parse("""{"values": {"o2": 20.9}}""", maxPayloadBytes: 24);

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        sut.Messages.Single().Values.Single().Value.ShouldBe(20.9);
    }

    [Fact]
    public void Parse_OversizedGarbage_IsRejectedAsTooLargeBeforeParsing()
    {
        // Act
        var sut = Parse(new string('{', 100), maxPayloadBytes: 50);

        // Assert
        sut.Error.ShouldBe(PayloadError.PayloadTooLarge);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("20.9")]
    [InlineData("\"hello\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void Parse_TopLevelNotObjectOrArray_RejectsWithNotAnObject(string json)
    {
        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.NotAnObject);
        sut.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void Parse_BatchWithNonObjectItems_RejectsOnlyThoseItemsWithNotAnObject()
    {
        // Arrange
        const string json = """[1, {"values": {"o2": 20}}, "x", [1, 2], null, {"values": {"o2": 19}}]""";

        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        sut.Messages.Select(m => m.Error).ShouldBe(
        [
            PayloadError.NotAnObject, PayloadError.None, PayloadError.NotAnObject, PayloadError.NotAnObject, PayloadError.NotAnObject, PayloadError.None,
        ]);
        sut.Messages[1].Values.Single().Value.ShouldBe(20);
        sut.Messages[5].Values.Single().Value.ShouldBe(19);
        sut.Messages[0].Values.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[ ]")]
    public void Parse_EmptyArray_RejectsWithBadBatch(string json)
    {
        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.BadBatch);
        sut.Messages.ShouldBeEmpty();
        sut.Detail.ShouldBe("empty batch");
    }

    [Fact]
    public void Parse_BatchLargerThanMaxBatch_RejectsWithBadBatch()
    {
        // Arrange
        const string json = """[{"values": {}}, {"values": {}}, {"values": {}}, {"values": {}}]""";

        // Act
        var sut = Parse(json, maxBatch: 3);

        // Assert
        sut.Error.ShouldBe(PayloadError.BadBatch);
        sut.Messages.ShouldBeEmpty();
        sut.Detail.ShouldBe("more than 3 messages in one batch");
    }

    [Fact]
    public void Parse_BatchOfExactlyMaxBatch_IsAccepted()
    {
        // Arrange
        const string json = """[{"values": {}}, {"values": {}}, {"values": {}}]""";

        // Act
        var sut = Parse(json, maxBatch: 3);

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        sut.Messages.Count.ShouldBe(3);
    }

    [Fact]
    public void Parse_BatchOverDefaultMaxBatch_RejectsWithBadBatch()
    {
        // Arrange
        var json = "[" + string.Join(",", Enumerable.Repeat("""{"values":{}}""", TelemetryPayloadReader.DefaultMaxBatch + 1)) + "]";

        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.BadBatch);
    }

    [Theory]
    [InlineData("""{"ts": 1000, "seq": 1}""")]
    [InlineData("""{}""")]
    [InlineData("""{"values": 5}""")]
    [InlineData("""{"values": null}""")]
    [InlineData("""{"values": [1, 2]}""")]
    [InlineData("""{"values": "o2=20"}""")]
    [InlineData("""{"Values": {"o2": 20}}""")] // member names are case-sensitive
    public void Parse_MessageWithoutValuesObject_MessageErrorIsMissingValues(string json)
    {
        // Act
        var message = SingleMessage(json);

        // Assert
        message.Error.ShouldBe(PayloadError.MissingValues);
        message.Values.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("\"1795793718334\"")]
    [InlineData("-1")]
    [InlineData("1795793718334.5")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("true")]
    [InlineData("{\"ms\": 1}")]
    [InlineData("[1]")]
    [InlineData("99999999999999999999")] // does not fit a long
    public void Parse_InvalidTs_MessageErrorIsBadTimestamp(string ts)
    {
        // Act
        var message = SingleMessage($$$"""{"ts": {{{ts}}}, "seq": 3, "values": {"o2": 20.9}}""");

        // Assert
        message.Error.ShouldBe(PayloadError.BadTimestamp);
        message.Ts.ShouldBeNull();
        message.Seq.ShouldBe(3L); // the rest of the message was still read
    }

    [Theory]
    [InlineData("\"7\"")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("false")]
    [InlineData("{}")]
    public void Parse_InvalidSeq_MessageErrorIsBadSeq(string seq)
    {
        // Act
        var message = SingleMessage($$$"""{"ts": 1000, "seq": {{{seq}}}, "values": {"o2": 20.9}}""");

        // Assert
        message.Error.ShouldBe(PayloadError.BadSeq);
        message.Seq.ShouldBeNull();
        message.Ts.ShouldBe(1000L);
    }

    [Fact]
    public void Parse_SeveralMessageFaults_ReportsTheFirstOne()
    {
        // Act
        var message = SingleMessage("""{"seq": -5, "ts": "x"}""");

        // Assert
        message.Error.ShouldBe(PayloadError.BadSeq);
    }

    [Theory]
    [InlineData("\"high\"")]
    [InlineData("\"20.9\"")]
    [InlineData("{\"v\": 20.9}")]
    [InlineData("null")]
    [InlineData("[20.9]")]
    public void Parse_ValueOfWrongType_RejectsOnlyThatValueWithWrongValueType(string bad)
    {
        // Act
        var message = SingleMessage($$$"""{"values": {"o2": 20.9, "ch4": {{{bad}}}, "temp": 21}}""");

        // Assert
        message.Error.ShouldBe(PayloadError.None);
        message.Values.Count.ShouldBe(3);
        message.Values[0].ShouldBe(new TelemetryValue("o2", 20.9, false, PayloadError.None));
        message.Values[1].Channel.ShouldBe("ch4");
        message.Values[1].Error.ShouldBe(PayloadError.WrongValueType);
        message.Values[2].ShouldBe(new TelemetryValue("temp", 21, false, PayloadError.None));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    public void Parse_NonFiniteValue_RejectsOnlyThatValueWithNonFiniteValue(string bad)
    {
        // Act
        var message = SingleMessage($$$"""{"values": {"o2": {{{bad}}}, "temp": 21}}""");

        // Assert
        message.Error.ShouldBe(PayloadError.None);
        message.Values.Count.ShouldBe(2);
        message.Values[0].Channel.ShouldBe("o2");
        message.Values[0].Error.ShouldBe(PayloadError.NonFiniteValue);
        double.IsNaN(message.Values[0].Value).ShouldBeTrue();
        message.Values[1].ShouldBe(new TelemetryValue("temp", 21, false, PayloadError.None));
    }

    [Fact]
    public void Parse_BadMessageInBatch_RejectsOnlyThatMessage()
    {
        // Arrange
        const string json = """
            [
              {"ts": 1000, "values": {"o2": 20.9}},
              {"ts": "yesterday", "values": {"o2": 20.8}},
              {"seq": -3, "values": {"o2": 20.7}},
              {"ts": 4000},
              {"ts": 5000, "values": {"o2": 20.5, "ch4": "x"}}
            ]
            """;

        // Act
        var sut = Parse(json);

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        sut.Messages.Select(m => m.Error).ShouldBe(
            [PayloadError.None, PayloadError.BadTimestamp, PayloadError.BadSeq, PayloadError.MissingValues, PayloadError.None]);
        sut.Messages[0].Values.ShouldBe([new TelemetryValue("o2", 20.9, false, PayloadError.None)]);
        sut.Messages[4].Ts.ShouldBe(5000L);
        sut.Messages[4].Values.Select(v => v.Error).ShouldBe([PayloadError.None, PayloadError.WrongValueType]);
    }

    [Fact]
    public void Parse_UnknownMembers_AreIgnored()
    {
        // Arrange
        const string json = """{"fw": "1.2.3", "diag": {"rssi": -70, "list": [1, 2, {"a": null}]}, "ts": 1000, "values": {"o2": 20.5}, "extra": [true], "n": 1.5}""";

        // Act
        var message = SingleMessage(json);

        // Assert
        message.Error.ShouldBe(PayloadError.None);
        message.Ts.ShouldBe(1000L);
        message.Values.ShouldBe([new TelemetryValue("o2", 20.5, false, PayloadError.None)]);
    }

    public static TheoryData<string> SegmentationPayloads =>
    [
        """{"ts": 1795793718334, "seq": 9007199254740993, "values": {"o2": 20.912345, "ch4": 1e400, "temp": "NaN", "intrusion": true, "door": false, "h2s": "x", "rh": -0.5e-3}}""",
        """[{"ts": 1, "values": {"o2": 1}}, 7, {"ts": "bad", "values": {}}, {"fw": {"deep": [1, [2, [3]]]}, "values": {"\u006f2": 3.25}}]""",
        """{"values": {"o2": 20.9}} garbage""",
        """{"values": {"o2": 20.9""",
        """[]""",
        """ "text" """,
    ];

    [Theory]
    [MemberData(nameof(SegmentationPayloads))]
    public void Parse_MultiSegmentSequence_ParsesTheSameAsSingleSegment(string json)
    {
        // Arrange
        var single = Payloads.Single(json);
        var segmented = Payloads.Segmented(json, 1, 3, 7, 2);
        segmented.IsSingleSegment.ShouldBeFalse();
        segmented.Length.ShouldBe(single.Length);

        // Act
        var expected = TelemetryPayloadReader.Parse(single);
        var actual = TelemetryPayloadReader.Parse(segmented);

        // Assert
        actual.Error.ShouldBe(expected.Error);
        actual.Messages.Count.ShouldBe(expected.Messages.Count);
        for (var i = 0; i < expected.Messages.Count; i++)
        {
            actual.Messages[i].Ts.ShouldBe(expected.Messages[i].Ts);
            actual.Messages[i].Seq.ShouldBe(expected.Messages[i].Seq);
            actual.Messages[i].Error.ShouldBe(expected.Messages[i].Error);
            actual.Messages[i].Values.ShouldBe(expected.Messages[i].Values);
        }
    }

    [Fact]
    public void Parse_MultiSegmentSequence_ReadsValuesSplitAcrossSegments()
    {
        // Arrange: one byte per segment, so every token straddles segment boundaries.
        const string json = """{"ts": 1795793718334, "seq": 42, "values": {"o2": 20.912345, "temp": "-Infinity", "intrusion": true, "ch4": "high"}}""";

        // Act
        var sut = TelemetryPayloadReader.Parse(Payloads.Segmented(json, 1));

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        var message = sut.Messages.Single();
        message.Ts.ShouldBe(1795793718334L);
        message.Seq.ShouldBe(42L);
        message.Values.Select(v => (v.Channel, v.Error)).ShouldBe(
        [
            ("o2", PayloadError.None), ("temp", PayloadError.NonFiniteValue), ("intrusion", PayloadError.None), ("ch4", PayloadError.WrongValueType),
        ]);
        message.Values[0].Value.ShouldBe(20.912345);
        message.Values[2].ShouldBe(new TelemetryValue("intrusion", 1, true, PayloadError.None));
    }

    [Fact]
    public void Parse_WriterOutput_RoundTripsTsSeqAndValues()
    {
        // Arrange
        var values = new List<KeyValuePair<string, object>>
        {
            new("o2", 20.9),
            new("ch4", 1.23456789), // doubles are written to 4 decimals
            new("temp", -12.5),
            new("level", 3), // an int
            new("fan1_run", true),
            new("smoke", false),
        };
        var bytes = TelemetryPayloadWriter.ToBytes(1795793718334, 42, values);

        // Act
        var sut = TelemetryPayloadReader.Parse(new ReadOnlySequence<byte>(bytes));

        // Assert
        sut.Error.ShouldBe(PayloadError.None);
        var message = sut.Messages.Single();
        message.Ts.ShouldBe(1795793718334L);
        message.Seq.ShouldBe(42L);
        message.Error.ShouldBe(PayloadError.None);
        message.Values.ShouldBe(
        [
            new TelemetryValue("o2", 20.9, false, PayloadError.None),
            new TelemetryValue("ch4", 1.2346, false, PayloadError.None),
            new TelemetryValue("temp", -12.5, false, PayloadError.None),
            new TelemetryValue("level", 3, false, PayloadError.None),
            new TelemetryValue("fan1_run", 1, true, PayloadError.None),
            new TelemetryValue("smoke", 0, true, PayloadError.None),
        ]);
    }

    [Fact]
    public void Write_ValueNeitherNumberNorBoolean_Throws()
    {
        // Arrange
        var values = new List<KeyValuePair<string, object>> { new("o2", new object()) };

        // Act / Assert
        Should.Throw<ArgumentException>(() => TelemetryPayloadWriter.ToBytes(1, 1, values)).ParamName.ShouldBe("values");
    }
}
