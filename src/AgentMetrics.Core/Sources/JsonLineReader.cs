using System;
using System.Buffers;
using System.IO;

namespace AgentMetrics.Sources
{
    /// <summary>
    /// Streams a file line by line from a byte offset with a reusable buffer, so memory stays flat however
    /// large the file. Tolerates CRLF, a UTF-8 BOM and a last line without a newline. A line's bytes are
    /// valid only until the next call to <see cref="TryRead"/>.
    /// </summary>
    internal sealed class JsonLineReader : IDisposable
    {
        private const int InitialBuffer = 1 << 16;
        private readonly Stream _stream;
        // Rented: an import opens thousands of files, and a fresh buffer each would be garbage the size of the history.
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        private int _start;
        private int _end;
        private long _bufferOffset;
        private long _lineNumber;
        private bool _eof;

        public JsonLineReader(Stream stream, long startOffset, long startLineNumber)
        {
            _stream = stream;
            _stream.Seek(startOffset, SeekOrigin.Begin);
            _bufferOffset = startOffset;
            _lineNumber = startLineNumber;
        }

        public bool TryRead(out RawLine line)
        {
            while (true)
            {
                int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    line = Make(_start, newline, hasNewline: true);
                    _start = newline + 1;
                    return true;
                }

                if (_eof)
                {
                    if (_end > _start)
                    {
                        line = Make(_start, _end, hasNewline: false);
                        _start = _end;
                        return true;
                    }

                    line = default;
                    return false;
                }

                Fill();
            }
        }

        private RawLine Make(int from, int to, bool hasNewline)
        {
            long offsetOfLine = _bufferOffset + from;
            int length = to - from;
            if (length > 0 && _buffer[to - 1] == (byte)'\r')
            {
                length--;
            }

            // A BOM can only start a file; strip it so the JSON parser sees a clean object.
            if (offsetOfLine == 0 && length >= 3 && _buffer[from] == 0xEF && _buffer[from + 1] == 0xBB && _buffer[from + 2] == 0xBF)
            {
                from += 3;
                length -= 3;
            }

            _lineNumber++;
            long endOffset = _bufferOffset + to + (hasNewline ? 1 : 0);
            return new RawLine(new ReadOnlyMemory<byte>(_buffer, from, length), _lineNumber, endOffset, hasNewline);
        }

        private void Fill()
        {
            if (_start > 0)
            {
                // Keep the unfinished line; slide it to the front.
                int pending = _end - _start;
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
                _bufferOffset += _start;
                _start = 0;
                _end = pending;
            }

            if (_end == _buffer.Length)
            {
                // A single line longer than the buffer (multi-MB tool results): grow just enough.
                byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }
            else
            {
                _end += read;
            }
        }

        /// <summary>Gives the buffer back: a line handed out before this must not be used after it.</summary>
        public void Dispose()
        {
            _stream.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = Array.Empty<byte>();
        }
    }
}
