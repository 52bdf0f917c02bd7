namespace CounterQueue.Silo.Bookings;

public sealed class BookingCodeState
{
    public string? BookingId { get; set; }
}

public sealed class BookingCodeGrain(
    [PersistentState("bookingCode", StorageNames.Queue)] IPersistentState<BookingCodeState> state) : Grain, IBookingCodeGrain
{
    public async Task<bool> ClaimAsync(string bookingId)
    {
        if (state.State.BookingId is { } holder) return holder == bookingId;
        state.State.BookingId = bookingId;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.BookingId = null;
            DeactivateOnIdle();
            throw;
        }
        return true;
    }

    public Task<string?> GetAsync() => Task.FromResult(state.State.BookingId);
}
