using Lifeline.FirmwareSim;

return await FirmwareSimCommand.Create().Parse(args).InvokeAsync();
