namespace Lifeline.Storage;
