using System.Buffers;

namespace Leap.Server.Http;

/// <summary>A growable byte buffer whose storage is rented from <see cref="ArrayPool{T}.Shared"/> and returned on dispose.</summary>
public sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] array = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int written;

    public ReadOnlyMemory<byte> WrittenMemory => array.AsMemory(0, written);

    public void Advance(int count) => written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return array.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return array.AsSpan(written);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(array);
        array = [];
    }

    private void Reserve(int sizeHint)
    {
        if (array.Length - written >= Math.Max(sizeHint, 1))
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(array.Length * 2, written + sizeHint));
        array.AsSpan(0, written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(array);
        array = larger;
    }
}
